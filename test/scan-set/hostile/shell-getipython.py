get_ipython().system('id')
