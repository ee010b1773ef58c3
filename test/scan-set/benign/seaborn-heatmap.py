import seaborn as sns
import matplotlib.pyplot as plt
corr = df.select_dtypes('number').corr()
sns.heatmap(corr, annot=True, fmt='.2f', cmap='vlag')
plt.title('Correlations')
plt.tight_layout()
