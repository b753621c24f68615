# a dead ReLU: h2's pre-activation is negative, so w21, w22 and b2 learn nothing
x1 = 1.0
x2 = -2.0
w11 = 0.5
w12 = -0.25
b1 = 0.1
w21 = 0.8
w22 = 0.9
b2 = 0.2
v1 = 1.5
v2 = -0.7
h1 = relu(x1*w11 + x2*w12 + b1)
h2 = relu(x1*w21 + x2*w22 + b2)
y = h1*v1 + h2*v2
loss = (y - 1)**2
output loss
