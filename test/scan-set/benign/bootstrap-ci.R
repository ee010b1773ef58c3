set.seed(1)
boot_means <- replicate(2000, mean(sample(x, replace = TRUE)))
quantile(boot_means, c(0.025, 0.975))
hist(boot_means, main = "Bootstrap means")
