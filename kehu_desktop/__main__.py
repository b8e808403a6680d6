from kehu_desktop.app import main

main()
