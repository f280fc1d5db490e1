"""The voice-over pipeline: synthesize the missing clips, fit each to its cue, mix, normalise, encode."""
