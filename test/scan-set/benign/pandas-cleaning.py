import pandas as pd
import numpy as np

df = pd.read_csv('data/sales.csv', parse_dates=['date'])
df = df.dropna(subset=['amount'])
df['month'] = df['date'].dt.to_period('M')
monthly = df.groupby('month')['amount'].agg(['sum', 'mean'])
print(monthly.head())
