from sklearn.model_selection import cross_val_score, KFold
from sklearn.linear_model import LogisticRegression
scores = cross_val_score(LogisticRegression(max_iter=1000), X, y, cv=KFold(5, shuffle=True, random_state=0))
print(scores.mean(), scores.std())
