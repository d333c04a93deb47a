/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sgw_ctlsock: where ikud's control socket is unless ikud.conf's "control"
 * says otherwise; sgwctl ike looks there too. The directory is the one
 * systemd gives ikud.service (RuntimeDirectory=ikud), the only place under
 * /run the service may write with ProtectSystem=strict; started without
 * systemd, ikud creates it.
 */
#ifndef SGW_CTLSOCK_H
#define SGW_CTLSOCK_H

#define SGW_CTLSOCK_DEFAULT	"/run/ikud/ikud.sock"

#endif /* SGW_CTLSOCK_H */
