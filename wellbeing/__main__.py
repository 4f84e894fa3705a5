"""`python -m wellbeing …` is the `wellbeing` command."""

from wellbeing.cli import main

main()
