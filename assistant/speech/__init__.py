"""Speech engines behind narrow interfaces: recognizers (speech to text) and voices (text to speech)."""
