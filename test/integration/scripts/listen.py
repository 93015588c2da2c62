# Listens on each PROTO,ADDRESS,PORT given (tcp or udp) for an hour: the audit test's own sockets.
import socket, sys, time
socks = []
for spec in sys.argv[1:]:
    proto, addr, port = spec.split(',')
    fam = socket.AF_INET6 if ':' in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM if proto == 'tcp' else socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, int(port)))
    if proto == 'tcp': s.listen(5)
    socks.append(s)
time.sleep(3600)
