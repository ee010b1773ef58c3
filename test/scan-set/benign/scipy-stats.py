from scipy import stats
t, p = stats.ttest_ind(a, b)
print(f't={t:.3f}, p={p:.4f}')
if p < 0.05:
    print('significant')
