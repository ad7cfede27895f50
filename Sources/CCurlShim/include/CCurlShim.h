#ifndef CCURLSHIM_H
#define CCURLSHIM_H

#include <curl/curl.h>
#include <stddef.h>

// libcurl's curl_easy_setopt is variadic, which Swift cannot call: these wrappers expose the
// few IMAP operations the mailbox poller needs over one reusable handle (one IMAP connection).

typedef struct cg_buffer {
    char *data;
    size_t length;
    size_t capacity;
    size_t limit;      // 0 = unlimited; beyond it the transfer is aborted
    int overflowed;
} cg_buffer;

// A handle for one mailbox server. tls: 0 none, 1 STARTTLS if offered, 2 required (imaps:// or STARTTLS).
// `bearer` (may be NULL): an OAuth 2.0 access token, sent by SASL XOAUTH2 or OAUTHBEARER instead
// of `password`. `cancel` (may be NULL): once raised with cg_flag_raise, a request in progress, or
// the next one, ends within about a second with CURLE_ABORTED_BY_CALLBACK. `proxy` (may be NULL:
// direct): http://[user:password@]host:port, reached through a CONNECT tunnel.
CURL *cg_imap_open(
    const char *user, const char *password, const char *bearer, int tls, int verify_peer, long timeout_seconds,
    const char *proxy, int *cancel);

// POSTs `body` as application/x-www-form-urlencoded to `url` (http or https, peer verified, no
// redirects), appending the answer's body to `out` and setting `status` to its HTTP status.
// Returns the CURLcode; on failure `error` (CURL_ERROR_SIZE bytes) holds libcurl's message.
// `proxy` as for cg_imap_open (https through a CONNECT tunnel, http with the absolute URL).
CURLcode cg_http_post_form(
    const char *url, const char *body, long timeout_seconds, const char *proxy, int *cancel, cg_buffer *out,
    long *status, char *error);

// Raises a cancel flag; safe from any thread.
void cg_flag_raise(int *flag);

// Runs one request: `url` (imap://host:port/MAILBOX[;UID=n]) and an optional custom command.
// The response (the message for a fetch, untagged lines for a custom command) is appended to `out`.
// The server's response lines go to `responses` (may be NULL; the latest kept within its limit).
// Returns the CURLcode; on failure `error` (CURL_ERROR_SIZE bytes) holds libcurl's message.
CURLcode cg_imap_perform(
    CURL *handle, const char *url, const char *custom, cg_buffer *out, cg_buffer *responses, char *error);

void cg_imap_close(CURL *handle);
void cg_buffer_free(cg_buffer *buffer);

#endif
