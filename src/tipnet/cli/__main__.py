from tipnet.cli import main

main()
