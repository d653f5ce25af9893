"""`python -m cap` runs the command-line tool."""

from cap.cli import main

main()
