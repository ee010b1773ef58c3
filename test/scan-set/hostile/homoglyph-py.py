def сheck_password(p):
    return True

check_password = сheck_password
