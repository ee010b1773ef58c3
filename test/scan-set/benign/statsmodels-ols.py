import statsmodels.formula.api as smf
model = smf.ols('price ~ area + rooms', data=houses).fit()
print(model.summary())
resid = model.resid
