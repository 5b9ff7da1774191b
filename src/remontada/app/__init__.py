"""The front ends: the command line, the web app, the pre-match briefing and charts."""
