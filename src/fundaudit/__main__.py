from fundaudit.cli import main

main()
