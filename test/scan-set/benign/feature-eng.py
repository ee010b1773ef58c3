import numpy as np
df['log_income'] = np.log1p(df['income'])
df['age_bucket'] = pd.cut(df['age'], bins=[0, 18, 35, 60, 120], labels=['child', 'young', 'adult', 'senior'])
dummies = pd.get_dummies(df['region'], prefix='r')
