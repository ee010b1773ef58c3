df.query('a > 3').eval('c = a + b')
result = pd.eval('df.a + df.b')
scores = model.evaluate(x_test, y_test)
