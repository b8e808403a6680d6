import multiprocessing

if __name__ == "__main__":
    # In the Windows build, the form-rendering process starts this program again: this line
    # makes that copy render instead of opening a window (see forms/render_process.py).
    multiprocessing.freeze_support()

    from kehu_desktop.app import main

    raise SystemExit(main())
