"""``python -m remontada``: the command line, as the ``remontada`` script runs it."""

from remontada.app.cli import main

if __name__ == "__main__":
    main(prog_name="remontada")
