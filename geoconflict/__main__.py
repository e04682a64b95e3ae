"""``python -m geoconflict`` runs the CLI."""

from .cli import main

main()
