#include "CCurlShim.h"
#include <stdlib.h>
#include <string.h>

// Appends to `buffer`, growing it; 0 when memory runs out.
static size_t cg_append(cg_buffer *buffer, const char *ptr, size_t bytes) {
    if (buffer->length + bytes + 1 > buffer->capacity) {
        size_t capacity = buffer->capacity ? buffer->capacity : 16384;
        while (capacity < buffer->length + bytes + 1) capacity *= 2;
        char *grown = realloc(buffer->data, capacity);
        if (!grown) return 0;
        buffer->data = grown;
        buffer->capacity = capacity;
    }
    memcpy(buffer->data + buffer->length, ptr, bytes);
    buffer->length += bytes;
    buffer->data[buffer->length] = 0;
    return bytes;
}

static size_t cg_write(char *ptr, size_t size, size_t count, void *userdata) {
    cg_buffer *buffer = (cg_buffer *)userdata;
    size_t bytes = size * count;
    if (buffer->limit && buffer->length + bytes > buffer->limit) {
        buffer->overflowed = 1;
        return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
    return cg_append(buffer, ptr, bytes);
}

// The server's response lines (libcurl hands IMAP's to the header callback), for the reason a
// command failed. Only the latest are kept: past the limit the buffer starts over, and the
// transfer goes on.
static size_t cg_keep_responses(char *ptr, size_t size, size_t count, void *userdata) {
    cg_buffer *buffer = (cg_buffer *)userdata;
    size_t bytes = size * count;
    if (buffer->limit && buffer->length + bytes > buffer->limit) buffer->length = 0;
    if (!buffer->limit || bytes <= buffer->limit) cg_append(buffer, ptr, bytes);
    return bytes;  // never aborts: these lines only explain a failure
}

// Called by libcurl about once a second even while nothing arrives (a server that never
// answers): a raised flag aborts the transfer with CURLE_ABORTED_BY_CALLBACK.
static int cg_progress(void *flag, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow) {
    (void)dltotal; (void)dlnow; (void)ultotal; (void)ulnow;
    return flag && __atomic_load_n((int *)flag, __ATOMIC_RELAXED) ? 1 : 0;
}

// A raised `cancel` (may be NULL) aborts the handle's transfers.
static void cg_watch_cancel(CURL *handle, int *cancel) {
    if (!cancel) return;
    curl_easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, cg_progress);
    curl_easy_setopt(handle, CURLOPT_XFERINFODATA, cancel);
}

// libcurl's generic words for `code` when the error buffer got none.
static void cg_describe_failure(CURLcode code, char *error) {
    if (code == CURLE_OK || error[0] != 0) return;
    strncpy(error, curl_easy_strerror(code), CURL_ERROR_SIZE - 1);
    error[CURL_ERROR_SIZE - 1] = 0;
}

// The proxy to go through, or none: never the environment's `all_proxy` or `imaps_proxy`,
// which libcurl would otherwise follow, so that only the configuration decides where mail goes.
// `tunnel`: CONNECT even for a plain protocol (IMAP cannot be relayed as HTTP requests are).
static void cg_use_proxy(CURL *handle, const char *proxy, int tunnel) {
    if (!proxy) {
        curl_easy_setopt(handle, CURLOPT_NOPROXY, "*");
        return;
    }
    curl_easy_setopt(handle, CURLOPT_PROXY, proxy);
    curl_easy_setopt(handle, CURLOPT_NOPROXY, "");
    curl_easy_setopt(handle, CURLOPT_PROXYTYPE, (long)CURLPROXY_HTTP);
    curl_easy_setopt(handle, CURLOPT_PROXYAUTH, (long)CURLAUTH_BASIC);
    curl_easy_setopt(handle, CURLOPT_HTTPPROXYTUNNEL, tunnel ? 1L : 0L);
}

void cg_flag_raise(int *flag) {
    __atomic_store_n(flag, 1, __ATOMIC_RELAXED);
}

CURL *cg_imap_open(
    const char *user, const char *password, const char *bearer, int tls, int verify_peer, long timeout_seconds,
    const char *proxy, int *cancel) {
    CURL *handle = curl_easy_init();
    if (!handle) return NULL;
    cg_watch_cancel(handle, cancel);
    if (user) curl_easy_setopt(handle, CURLOPT_USERNAME, user);
    if (bearer) {
        // libcurl picks the mechanism the server offers: OAUTHBEARER (RFC 7628), else XOAUTH2.
        curl_easy_setopt(handle, CURLOPT_XOAUTH2_BEARER, bearer);
    } else if (password) {
        curl_easy_setopt(handle, CURLOPT_PASSWORD, password);
    }
    curl_easy_setopt(handle, CURLOPT_USE_SSL, tls == 2 ? CURLUSESSL_ALL : tls == 1 ? CURLUSESSL_TRY : CURLUSESSL_NONE);
    curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, verify_peer ? 1L : 0L);
    curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, verify_peer ? 2L : 0L);
    curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT, timeout_seconds);
    // A stall, not a total time: a large message on a slow link may take minutes, and a total
    // limit would fail it on every poll, holding up every message after it.
    curl_easy_setopt(handle, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(handle, CURLOPT_LOW_SPEED_TIME, timeout_seconds);
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    cg_use_proxy(handle, proxy, 1);
    curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "imap,imaps");
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, cg_write);
    return handle;
}

CURLcode cg_imap_perform(
    CURL *handle, const char *url, const char *custom, cg_buffer *out, cg_buffer *responses, char *error) {
    error[0] = 0;
    curl_easy_setopt(handle, CURLOPT_URL, url);
    curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, custom);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, responses ? cg_keep_responses : NULL);
    curl_easy_setopt(handle, CURLOPT_HEADERDATA, responses);
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error);
    CURLcode code = curl_easy_perform(handle);
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, NULL);
    cg_describe_failure(code, error);
    return code;
}

CURLcode cg_http_post_form(
    const char *url, const char *body, long timeout_seconds, const char *proxy, int *cancel, cg_buffer *out,
    long *status, char *error) {
    *status = 0;
    error[0] = 0;
    CURL *handle = curl_easy_init();
    if (!handle) return CURLE_OUT_OF_MEMORY;
    cg_watch_cancel(handle, cancel);
    curl_easy_setopt(handle, CURLOPT_URL, url);
    curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(handle, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(handle, CURLOPT_TIMEOUT, timeout_seconds);
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    cg_use_proxy(handle, proxy, 0);
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, cg_write);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error);
    struct curl_slist *headers = curl_slist_append(NULL, "Accept: application/json");
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers);
    CURLcode code = curl_easy_perform(handle);
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, status);
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, NULL);
    cg_describe_failure(code, error);
    curl_easy_cleanup(handle);
    curl_slist_free_all(headers);
    return code;
}

void cg_imap_close(CURL *handle) {
    if (handle) curl_easy_cleanup(handle);
}

void cg_buffer_free(cg_buffer *buffer) {
    free(buffer->data);
    buffer->data = NULL;
    buffer->length = 0;
    buffer->capacity = 0;
}
