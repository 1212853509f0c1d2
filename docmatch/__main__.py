from docmatch.cli import main

main()
