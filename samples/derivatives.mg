# f(a, b, c) = -a**3 + sin(3*b) - 1.0/c + b**2.5 - a**0.5 at (2, 3, 4)
# Section 1 of the exercises notebook: the gradient is [-12.3536, 10.2570, 0.0625].
a = 2.0
b = 3.0
c = 4.0
f = -a**3 + sin(3*b) - 1.0/c + b**2.5 - a**0.5
