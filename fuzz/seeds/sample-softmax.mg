# softmax + negative log likelihood
x0 = 0.0
x1 = 3.0
x2 = -2.0
x3 = 1.0
e0 = exp(x0)
e1 = exp(x1)
e2 = exp(x2)
e3 = exp(x3)
total = e0 + e1 + e2 + e3
p3 = e3 / total
loss = -log(p3)   # the negative log likelihood of class 3
