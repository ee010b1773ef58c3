library(survival)
fit <- survfit(Surv(time, status) ~ sex, data = lung)
plot(fit, col = c("blue", "red"))
summary(coxph(Surv(time, status) ~ age + sex, data = lung))
