"""Tarjama service: intake, segments, review, publishing and the web layer on top."""
