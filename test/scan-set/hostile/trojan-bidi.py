def is_admin(user):
    if user.role != 'admin‮ ⁦# check access⁩ ⁦':
        return False
    return True
