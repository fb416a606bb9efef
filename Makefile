# signet: one non-recursive Makefile, one object list per program.
# `make SAN=1` builds the same tree with ASan+UBSan into build/asan/.

SAN	?= 0
FUZZ	?= 0
ifeq ($(FUZZ),1)
# make fuzz: everything built by clang for libFuzzer
B	:= build/fuzz
CC	:= clang
SANFLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
else ifeq ($(SAN),1)
B	:= build/asan
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	    -fno-omit-frame-pointer
else
B	:= build
SANFLAGS :=
endif
BIN	:= $(B)/bin
GEN	:= $(B)/gen

CC	?= cc
PKGS	:= libssl libcrypto p11-kit-1 inih libprotobuf-c jansson msgpack \
	   sqlite3 libpq libxcrypt libmicrohttpd libcurl zlib
# Asked of pkg-config when first used, not when make reads this file: on a
# fresh machine `make test` and `make run` install the -dev packages first.
pkgconf	= $(or $(shell pkg-config $(1) $(PKGS) 2>/dev/null),\
	  $(error pkg-config knows none of: $(PKGS) (run make deps)))
PKG_CFLAGS = $(eval PKG_CFLAGS := $$(call pkgconf,--cflags))$(PKG_CFLAGS)
PKG_LIBS = $(eval PKG_LIBS := $$(call pkgconf,--libs))$(PKG_LIBS)
WARN	:= -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes -Wcast-qual \
	   -Wpointer-arith -Wformat=2 -Wvla
CFLAGS	?= -O2 -g
ALL_CFLAGS = -std=gnu11 -D_GNU_SOURCE $(CFLAGS) $(SANFLAGS) \
	   $(PKG_CFLAGS) -Iappliance/common -Iproto -I$(GEN)/proto
LDLIBS	= $(PKG_LIBS) -ldl -lpthread
LDFLAGS	+= $(SANFLAGS) -Wl,--as-needed

obj	= $(patsubst %.c,$(B)/obj/%.o,$(1))

COMMON_OBJS	:= $(call obj,$(wildcard appliance/common/*.c))
HSM_OBJS	:= $(call obj,$(wildcard hsm/*.c))
SIGNERLIB_OBJS	:= $(call obj,$(filter-out appliance/signer/main.c,\
		   $(wildcard appliance/signer/*.c)))
PROTO_OBJS	:= $(B)/obj/gen/signer.pb-c.o $(call obj,$(wildcard proto/*.c))
SIGNERD_OBJS	:= $(COMMON_OBJS) $(PROTO_OBJS) $(HSM_OBJS) $(SIGNERLIB_OBJS) \
		   $(B)/obj/appliance/signer/main.o
RPC_OBJS	:= $(COMMON_OBJS) $(PROTO_OBJS) \
		   $(call obj,$(wildcard appliance/rpc/*.c))
STORE_OBJS	:= $(call obj,$(wildcard appliance/store/*.c))
API_OBJS	:= $(COMMON_OBJS) $(PROTO_OBJS) $(STORE_OBJS) \
		   $(call obj,$(wildcard appliance/api/*.c))
MANAGE_OBJS	:= $(COMMON_OBJS) $(STORE_OBJS) \
		   $(call obj,$(wildcard appliance/manage/*.c))
PROVISION_OBJS	:= $(COMMON_OBJS) $(HSM_OBJS) \
		   $(call obj,$(wildcard provisioning/*.c))

# libsignet-verify: position-independent, only signet_* exported.
VERIFY_SRCS	:= $(filter-out appliance/verify/main.c,\
		   $(wildcard appliance/verify/*.c)) \
		   $(addprefix appliance/common/,cms_verify.c b64url.c jws.c jws_body.c \
		   isotime.c secmem.c secret_file.c sha256.c token_body.c)
VERIFY_PIC	:= $(patsubst %.c,$(B)/pic/%.o,$(VERIFY_SRCS))
VERIFY_SO	:= $(B)/lib/libsignet-verify.so
VERIFY_A	:= $(B)/lib/libsignet-verify.a

# Fuzz targets: replayed over the corpus by make test, run by make fuzz.
FUZZ_NAMES	:= $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS	:= $(addprefix $(B)/tests/fuzz/,$(FUZZ_NAMES))
FUZZ_DEPS	:= $(COMMON_OBJS) $(HSM_OBJS) $(SIGNERLIB_OBJS) $(PROTO_OBJS) \
		   $(filter-out %/main.o,$(call obj,$(wildcard provisioning/*.c))) \
		   $(call obj,appliance/api/auth_request.c) \
		   $(B)/obj/tests/fuzz/cstr.o

UNIT_TESTS	:= $(patsubst tests/unit/%.c,$(B)/tests/unit/%,\
		   $(wildcard tests/unit/*.c))
ITEST_BINS	:= $(patsubst tests/integration/%.c,$(B)/tests/integration/%,\
		   $(wildcard tests/integration/*.c))
BENCH_BINS	:= $(patsubst bench/%.c,$(B)/bench/%,$(wildcard bench/*.c))

PROGRAMS	:= $(BIN)/signet-provision $(BIN)/signet-signerd $(BIN)/signet-rpc \
		   $(BIN)/signet-manage $(BIN)/signet-api $(BIN)/signet-verify \
		   $(VERIFY_SO)

.PHONY: all deps test check check-san unit integration run bench soak clean \
	check-boundary fuzz fuzz-build fresh-check install uninstall cluster-test
.DEFAULT_GOAL := all
.SECONDARY:

all: $(PROGRAMS) $(PROTO_OBJS)

deps:
	@sh scripts/deps.sh

$(GEN)/proto/signer.pb-c.c: proto/signer.proto
	@mkdir -p $(GEN)/proto
	protoc-c --proto_path=proto --c_out=$(GEN)/proto $<

$(GEN)/proto/signer.pb-c.h: $(GEN)/proto/signer.pb-c.c

# Generated code gets the baseline warnings, not the house extras.
$(B)/obj/gen/signer.pb-c.o: $(GEN)/proto/signer.pb-c.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 $(CFLAGS) $(SANFLAGS) -Wall -Wextra -Werror \
	    -I$(GEN)/proto -c -o $@ $<

# Only what may use the HSM layer can include it: the compiler keeps the
# trust boundary (signet-api, signet-manage, signet-rpc and the store
# are built without -Ihsm).
HSM_USERS	:= hsm appliance/signer provisioning tests/unit \
		   tests/integration tests/fuzz bench
$(foreach d,$(HSM_USERS),$(eval $(B)/obj/$(d)/%.o: ALL_CFLAGS += -Ihsm))

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(WARN) -MMD -MP -c -o $@ $<

$(BIN)/signet-provision: $(PROVISION_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/signet-signerd: $(SIGNERD_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/signet-rpc: $(RPC_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/obj/appliance/manage/%.o: ALL_CFLAGS += -Iappliance/store
$(B)/obj/appliance/api/%.o: ALL_CFLAGS += -Iappliance/store

# No $(HSM_OBJS), ever: the front-end cannot call PKCS#11.
$(BIN)/signet-api: $(API_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/signet-manage: $(MANAGE_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/pic/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(WARN) -fPIC -fvisibility=hidden -MMD -MP \
	    -c -o $@ $<

$(VERIFY_A): $(VERIFY_PIC)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(VERIFY_SO): $(VERIFY_PIC)
	@mkdir -p $(dir $@)
	$(CC) -shared $(LDFLAGS) -Wl,-soname,libsignet-verify.so.0 \
	    -o $@.0 $^ $(LDLIBS)
	ln -sf libsignet-verify.so.0 $@

# libsignet-client: the signer's RPC as JSON calls, for callers in other
# languages (the Keystone provider's ctypes binding). Position-independent
# like libsignet-verify; only signet_client_* exported.
CLIENT_SRCS	:= $(wildcard appliance/client/*.c) \
		   $(addprefix proto/,client.c frame.c tls.c) \
		   $(addprefix appliance/common/,log.c err.c monotime.c \
		   isotime.c b64url.c)
CLIENT_PIC	:= $(patsubst %.c,$(B)/pic/%.o,$(CLIENT_SRCS)) \
		   $(B)/pic/gen/signer.pb-c.o
CLIENT_SO	:= $(B)/lib/libsignet-client.so

all: $(CLIENT_SO)

$(B)/pic/gen/signer.pb-c.o: $(GEN)/proto/signer.pb-c.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 $(CFLAGS) $(SANFLAGS) -Wall -Wextra -Werror \
	    -fPIC -fvisibility=hidden -I$(GEN)/proto -c -o $@ $<

$(B)/pic/appliance/client/%.o: ALL_CFLAGS += -Iappliance/client
$(CLIENT_PIC): $(GEN)/proto/signer.pb-c.h

$(CLIENT_SO): $(CLIENT_PIC)
	@mkdir -p $(dir $@)
	$(CC) -shared $(LDFLAGS) -Wl,--no-undefined \
	    -Wl,-soname,libsignet-client.so.0 -o $@.0 $^ $(LDLIBS)
	ln -sf libsignet-client.so.0 $@

$(BIN)/signet-verify: $(B)/obj/appliance/verify/main.o \
    $(B)/obj/appliance/common/cli.o $(VERIFY_A)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Generated headers come first: every object that includes them waits.
$(SIGNERD_OBJS) $(RPC_OBJS) $(API_OBJS): $(GEN)/proto/signer.pb-c.h

$(B)/obj/tests/unit/%.o: ALL_CFLAGS += -Iprovisioning -Iappliance/signer
$(B)/obj/tests/unit/test_pg_sql.o: ALL_CFLAGS += -Iappliance/store
$(B)/tests/unit/test_pg_sql: $(B)/obj/appliance/store/store_pg_sql.o

$(B)/tests/unit/%: $(B)/obj/tests/unit/%.o $(COMMON_OBJS) $(HSM_OBJS) \
    $(filter-out %/main.o,$(call obj,$(wildcard provisioning/*.c))) \
    $(SIGNERLIB_OBJS) $(PROTO_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

$(B)/obj/tests/integration/%.o: ALL_CFLAGS += -Iappliance/signer
$(B)/obj/appliance/signer/%.o: $(GEN)/proto/signer.pb-c.h

$(B)/tests/integration/%: $(B)/obj/tests/integration/%.o $(COMMON_OBJS) \
    $(HSM_OBJS) $(SIGNERLIB_OBJS) $(PROTO_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/obj/bench/%.o: ALL_CFLAGS += -Iappliance/signer
$(B)/obj/bench/%.o: $(GEN)/proto/signer.pb-c.h

# A consumer of the shared library, as a service would link it.
$(B)/obj/tests/integration/verify-driver.o: ALL_CFLAGS += -Iappliance/verify
$(B)/tests/integration/verify-driver: \
    $(B)/obj/tests/integration/verify-driver.o $(VERIFY_SO)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< -L$(B)/lib -lsignet-verify \
	    -Wl,-rpath,$(abspath $(B)/lib)

$(B)/obj/bench/verify.o: ALL_CFLAGS += -Iappliance/verify
$(B)/bench/verify: $(B)/obj/bench/verify.o $(VERIFY_SO)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< -L$(B)/lib -lsignet-verify $(LDLIBS) \
	    -Wl,-rpath,$(abspath $(B)/lib)

$(B)/obj/tests/fuzz/%.o: ALL_CFLAGS += -Iappliance/signer -Iappliance/api \
    -Iappliance/store \
    -Iprovisioning
$(B)/obj/tests/fuzz/%.o: $(GEN)/proto/signer.pb-c.h
ifeq ($(FUZZ),1)
$(B)/tests/fuzz/%: $(B)/obj/tests/fuzz/fuzz_%.o $(FUZZ_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)
else
$(B)/tests/fuzz/%: $(B)/obj/tests/fuzz/fuzz_%.o $(B)/obj/tests/fuzz/replay.o \
    $(FUZZ_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
endif

$(B)/bench/%: $(B)/obj/bench/%.o $(COMMON_OBJS) $(HSM_OBJS) \
    $(SIGNERLIB_OBJS) $(PROTO_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The api, the store and the proto code never see hsm/ (the trust
# boundary), and the programs beyond it hold no PKCS#11 code at all.
BOUNDARY_BINS	:= $(BIN)/signet-rpc $(BIN)/signet-manage $(BIN)/signet-api
check-boundary: $(BOUNDARY_BINS)
	@! grep -rlE '#include[[:space:]]*[<"](hsm/|[a-z_]*\.h".*hsm|hsm\.h|fernet_keys\.h|fernet_seal\.h|cms_keys\.h|cms_engine\.h)' \
	    appliance/api appliance/store appliance/manage appliance/rpc proto \
	    2>/dev/null | grep . \
	    || { echo "check-boundary: hsm/ included beyond the boundary"; exit 1; }
	@! grep -rnE -- '->C_[A-Z][A-Za-z]*\(' appliance provisioning | grep . \
	    || { echo "check-boundary: a PKCS#11 call outside hsm/"; exit 1; }
	@for b in $(BOUNDARY_BINS); do \
	    if nm $$b | grep -E ' [TDB] hsm_| U C_[A-Z]' ; then \
	        echo "check-boundary: $$b holds PKCS#11 code"; exit 1; fi; \
	done
	@echo "check-boundary: ok"

$(B)/tests/nodlclose.so: tests/asan/nodlclose.c
	@mkdir -p $(dir $@)
	$(CC) -shared -fPIC $(WARN) -o $@ $<

check: all $(UNIT_TESTS) $(ITEST_BINS) $(FUZZ_BINS) $(if $(SANFLAGS),$(B)/tests/nodlclose.so)
	@sh tests/run.sh $(B)

test: deps
	$(MAKE) all
	$(MAKE) check-boundary
	$(MAKE) SAN=1 check

# Three nodes in network namespaces and PostgreSQL (make test runs it too).
cluster-test: deps
	$(MAKE) SAN=1 all build/asan/tests/nodlclose.so
	@sh tests/run.sh build/asan cluster-netns store-pg

# FUZZ_SECONDS per target; new crashes land in tests/fuzz/crashes/.
fuzz:
	@sh scripts/deps.sh fuzz
	$(MAKE) FUZZ=1 fuzz-build
	@sh tests/fuzz/run.sh build/fuzz $(or $(FUZZ_SECONDS),60)

fuzz-build: $(FUZZ_BINS)

# deps first, then a make of its own: nothing is built before the
# packages it needs are there.
run: deps
	@$(MAKE) --no-print-directory all
	@sh scripts/run.sh $(BIN) $(PORT)

bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_BINS)
	@sh bench/run.sh $(B)

soak: deps
	@$(MAKE) --no-print-directory all $(BENCH_BINS)
	@sh bench/soak.sh $(B)

# The two commands in a new Debian 12 root (needs root; see the script).
fresh-check:
	@sh scripts/fresh-check.sh all

clean:
	rm -rf build

# make install [PREFIX=/usr/local] [DESTDIR=]: always the plain build in
# build/ (a sub-make builds it if needed, whatever SAN says), units whose
# ExecStart names $(SBINDIR). The daemons and the tools that need the HSM,
# its PINs or the identity store go to sbin; signet-rpc and signet-verify,
# which any allowed user or service may run, to bin.
PREFIX	?= /usr/local
SBINDIR	:= $(PREFIX)/sbin
BINDIR	:= $(PREFIX)/bin
LIBDIR	?= $(PREFIX)/lib
INCDIR	:= $(PREFIX)/include
UNITDIR	?= $(PREFIX)/lib/systemd/system
MANDIR	:= $(PREFIX)/share/man
DOCDIR	:= $(PREFIX)/share/doc/signet
D	= $(DESTDIR)
MANS	:= $(wildcard man/*.[1-8])

install:
	@$(MAKE) --no-print-directory SAN=0 FUZZ=0 all
	install -d $(D)$(SBINDIR) $(D)$(BINDIR) $(D)$(LIBDIR) $(D)$(INCDIR) \
	    $(D)$(UNITDIR) $(D)$(PREFIX)/lib/sysusers.d \
	    $(D)$(PREFIX)/lib/tmpfiles.d $(D)$(DOCDIR) \
	    $(addprefix $(D)$(MANDIR)/man,1 3 5 8)
	install -m 0755 build/bin/signet-signerd build/bin/signet-api \
	    build/bin/signet-provision build/bin/signet-manage $(D)$(SBINDIR)
	install -m 0755 build/bin/signet-rpc build/bin/signet-verify \
	    $(D)$(BINDIR)
	install -m 0755 build/lib/libsignet-verify.so.0 $(D)$(LIBDIR)
	ln -sf libsignet-verify.so.0 $(D)$(LIBDIR)/libsignet-verify.so
	install -m 0644 build/lib/libsignet-verify.a $(D)$(LIBDIR)
	install -m 0644 appliance/verify/signet_verify.h $(D)$(INCDIR)
	for u in signet-signerd signet-api; do \
	    sed 's|/usr/sbin/|$(SBINDIR)/|' dist/$$u.service \
	        > $(D)$(UNITDIR)/$$u.service && \
	    chmod 0644 $(D)$(UNITDIR)/$$u.service || exit 1; done
	install -m 0644 dist/signet.sysusers \
	    $(D)$(PREFIX)/lib/sysusers.d/signet.conf
	install -m 0644 dist/signet.tmpfiles \
	    $(D)$(PREFIX)/lib/tmpfiles.d/signet.conf
	install -m 0644 dist/signet.conf.sample $(D)$(DOCDIR)
	for m in $(MANS); do \
	    install -m 0644 $$m $(D)$(MANDIR)/man$${m##*.} || exit 1; done

uninstall:
	rm -f $(addprefix $(D)$(SBINDIR)/,signet-signerd signet-api \
	    signet-provision signet-manage) \
	    $(addprefix $(D)$(BINDIR)/,signet-rpc signet-verify) \
	    $(addprefix $(D)$(LIBDIR)/,libsignet-verify.so.0 \
	    libsignet-verify.so libsignet-verify.a) \
	    $(D)$(INCDIR)/signet_verify.h \
	    $(addprefix $(D)$(UNITDIR)/,signet-signerd.service \
	    signet-api.service) \
	    $(D)$(PREFIX)/lib/sysusers.d/signet.conf \
	    $(D)$(PREFIX)/lib/tmpfiles.d/signet.conf \
	    $(D)$(DOCDIR)/signet.conf.sample
	for m in $(MANS); do \
	    rm -f $(D)$(MANDIR)/man$${m##*.}/$${m#man/}; done
	-rmdir $(D)$(DOCDIR)

-include $(shell find $(B)/obj $(B)/pic -name '*.d' 2>/dev/null)

# make install-keystone-plugin [DESTDIR=]: the `signet` token provider for
# the system's python3 (Debian's, which Keystone runs on), offline, with
# Debian's pip and setuptools; libsignet-client.so.0 (the plain build)
# travels inside the package, so nothing else is searched for.
KS_STAGE	:= build/keystone-plugin
KS_PIP		:= /usr/bin/python3 -m pip
.PHONY: install-keystone-plugin uninstall-keystone-plugin
install-keystone-plugin:
	@$(MAKE) --no-print-directory SAN=0 FUZZ=0 build/lib/libsignet-client.so
	rm -rf $(KS_STAGE)
	cp -r integrations/keystone $(KS_STAGE)
	cp build/lib/libsignet-client.so.0 $(KS_STAGE)/signet_keystone/
	$(KS_PIP) install --no-index --no-build-isolation --no-deps \
	    --break-system-packages --no-warn-script-location \
	    $(if $(DESTDIR),--root $(DESTDIR)) $(KS_STAGE)

uninstall-keystone-plugin:
	$(KS_PIP) uninstall -y --break-system-packages signet-keystone
