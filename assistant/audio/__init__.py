"""Audio sources and sinks: microphone, speaker, files and the virtual actor, all as 16-bit mono PCM."""
