"""Operations that change the books, one transaction each. The command line and the window both call these."""
