"""Rule packs: data only (YAML and the resolutions' texts). Read through ``engine.rulepack.loader``; no code here."""
