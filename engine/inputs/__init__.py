"""Stage 1 of the data flow: what users give the engine, read safely and validated.

Files become plain data with the line of every value (:mod:`.sources`); scenarios and their variants become
:class:`~engine.inputs.scenario_model.Scenario` objects (:mod:`.scenario` builds them, :mod:`.variants` applies
``extends``, :mod:`.scenario_model` says what they are); events are checked against the vocabulary
(:mod:`.vocabulary`) and actors' names resolved against the registry (:mod:`.actors`); :mod:`.schema` exports
the vocabulary as documentation and JSON Schema.
"""
