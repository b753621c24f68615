# NaN: the log of a probability that went negative
score = 0.5
p = score - 1
nll = -log(p)
