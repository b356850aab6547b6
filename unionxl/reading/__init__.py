"""Reading a book in: a file or an Excel range → raw tables → typed frames and cell findings."""
