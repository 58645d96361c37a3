from claimcmp.cli import main

main()
