import pandas as pd
ts = pd.read_csv('temps.csv', index_col='date', parse_dates=True)['temp']
weekly = ts.resample('W').mean()
rolling = ts.rolling(30).mean()
print(weekly.tail(), rolling.tail())
