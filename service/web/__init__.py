"""The web layer: blueprints that turn HTTP into calls on the domain modules and back."""
