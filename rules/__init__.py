"""Rule packs: data only (YAML and the resolutions' texts). Read through ``engine.loader``; no code here."""
