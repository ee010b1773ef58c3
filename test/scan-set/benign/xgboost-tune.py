import xgboost as xgb
params = {'max_depth': 6, 'eta': 0.1, 'objective': 'binary:logistic'}
dtrain = xgb.DMatrix(X, label=y)
bst = xgb.train(params, dtrain, num_boost_round=100)
bst.save_model('model.json')
