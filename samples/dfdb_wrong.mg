# df/db by hand, as the exercises notebook asks: the chain rule's 3 of sin(3b) forgotten
b = 3.0
dfdb = cos(3*b) + 2.5*(b**1.5)
