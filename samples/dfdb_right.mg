# df/db by hand, as the exercises notebook asks: 3*cos(3b), the chain rule's 3 kept
b = 3.0
dfdb = 3*cos(3*b) + 2.5*(b**1.5)
