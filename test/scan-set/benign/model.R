fit <- lm(mpg ~ wt + hp, data = mtcars)
summary(fit)
pred <- predict(fit, newdata = data.frame(wt = 3, hp = 120))
# system("ls") is not called
saveRDS(fit, "fit.rds")
