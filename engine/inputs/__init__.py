"""Stage 1 of the data flow: what users give the engine, read safely and validated.

Files become plain data with the line of every value (:mod:`.sources`); scenarios and their variants become
:class:`~engine.inputs.scenario.Scenario` objects (:mod:`.scenario`, :mod:`.variants`); events are checked
against the vocabulary (:mod:`.vocabulary`) and actors' names resolved against the registry (:mod:`.actors`);
:mod:`.schema` exports the vocabulary as documentation and JSON Schema.
"""
