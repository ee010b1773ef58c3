import numpy as np
α = 0.05
μ, σ = 0.0, 1.0
λ_max = np.max(np.linalg.eigvals(A))
print(f'{α=} {μ=} {σ=}')
