from unionxl.cli import main

main()
