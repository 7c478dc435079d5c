// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

#include "certcheck.h"

static void format_time(const ASN1_TIME *t, char *out, size_t size)
{
	BIO *bio = BIO_new(BIO_s_mem());
	int n = 0;

	out[0] = '\0';
	if (!bio)
		return;
	if (ASN1_TIME_print(bio, t))
		n = BIO_read(bio, out, (int)size - 1);
	out[n > 0 ? n : 0] = '\0';
	BIO_free(bio);
}

int certcheck_validity(const char *path, char *err, size_t errlen)
{
	char when[64];
	X509 *cert;
	FILE *f;
	int rc = 0;

	f = fopen(path, "re");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	cert = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (!cert) {
		snprintf(err, errlen, "%s: no PEM certificate in it", path);
		return -1;
	}
	if (X509_cmp_current_time(X509_get0_notAfter(cert)) <= 0) {
		format_time(X509_get0_notAfter(cert), when, sizeof(when));
		snprintf(err, errlen, "%s: certificate expired on %s", path, when);
		rc = -1;
	} else if (X509_cmp_current_time(X509_get0_notBefore(cert)) >= 0) {
		format_time(X509_get0_notBefore(cert), when, sizeof(when));
		snprintf(err, errlen, "%s: certificate not valid before %s (is the clock right?)",
			 path, when);
		rc = -1;
	}
	X509_free(cert);
	return rc;
}
