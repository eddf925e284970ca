#include "test_pki.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <fstream>
#include <stdexcept>

namespace berth::test {

namespace {

using key_ptr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using cert_ptr = std::unique_ptr<X509, decltype(&X509_free)>;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test PKI: ") + what + " failed");
}

key_ptr new_key() {
  key_ptr key(EVP_EC_gen("P-256"), &EVP_PKEY_free);
  check(key != nullptr, "EC key generation");
  return key;
}

std::string pem_of(const X509* cert) {
  std::unique_ptr<BIO, decltype(&BIO_free)> out(BIO_new(BIO_s_mem()), &BIO_free);
  check(PEM_write_bio_X509(out.get(), cert) == 1, "PEM_write_bio_X509");
  char* data = nullptr;
  const long size = BIO_ctrl(out.get(), BIO_CTRL_INFO, 0, static_cast<void*>(&data));  // BIO_get_mem_data
  return std::string(data, static_cast<size_t>(size));
}

std::string pem_of(EVP_PKEY* key) {
  std::unique_ptr<BIO, decltype(&BIO_free)> out(BIO_new(BIO_s_mem()), &BIO_free);
  check(PEM_write_bio_PrivateKey(out.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
        "PEM_write_bio_PrivateKey");
  char* data = nullptr;
  const long size = BIO_ctrl(out.get(), BIO_CTRL_INFO, 0, static_cast<void*>(&data));  // BIO_get_mem_data
  return std::string(data, static_cast<size_t>(size));
}

void add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  check(ext != nullptr, "X509V3_EXT_conf_nid");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

cert_ptr new_certificate(EVP_PKEY* key, const std::string& common_name,
                         std::chrono::seconds not_before, std::chrono::seconds not_after) {
  static std::atomic<long> serial{1000};
  cert_ptr cert(X509_new(), &X509_free);
  check(cert != nullptr, "X509_new");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial++);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), static_cast<long>(not_before.count()));
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(not_after.count()));
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("Berth tests"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  return cert;
}

}  // namespace

struct certificate_authority::keys {
  key_ptr key{nullptr, &EVP_PKEY_free};
  cert_ptr cert{nullptr, &X509_free};
};

certificate_authority::certificate_authority(const std::string& common_name)
    : keys_(std::make_unique<keys>()) {
  keys_->key = new_key();
  keys_->cert = new_certificate(keys_->key.get(), common_name, -std::chrono::hours(1),
                                std::chrono::hours(24 * 365));
  X509* cert = keys_->cert.get();
  X509_set_issuer_name(cert, X509_get_subject_name(cert));
  add_extension(cert, cert, NID_basic_constraints, "critical,CA:TRUE");
  add_extension(cert, cert, NID_key_usage, "critical,keyCertSign,cRLSign");
  add_extension(cert, cert, NID_subject_key_identifier, "hash");
  check(X509_sign(cert, keys_->key.get(), EVP_sha256()) > 0, "X509_sign (CA)");
  self_.certificate_pem = pem_of(cert);
  self_.key_pem = pem_of(keys_->key.get());
}

certificate_authority::~certificate_authority() = default;

issued certificate_authority::issue(const certificate_spec& spec) const {
  key_ptr key = new_key();
  cert_ptr cert = new_certificate(key.get(), spec.common_name, spec.not_before, spec.not_after);
  X509_set_issuer_name(cert.get(), X509_get_subject_name(keys_->cert.get()));
  add_extension(cert.get(), keys_->cert.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert.get(), keys_->cert.get(), NID_key_usage, "critical,digitalSignature");
  add_extension(cert.get(), keys_->cert.get(), NID_ext_key_usage,
                spec.client ? "clientAuth" : "serverAuth");
  add_extension(cert.get(), keys_->cert.get(), NID_authority_key_identifier, "keyid");
  std::string names;
  for (const std::string& d : spec.dns_names) names += (names.empty() ? "" : ",") + ("DNS:" + d);
  for (const std::string& ip : spec.ip_addresses) {
    names += (names.empty() ? "" : ",") + ("IP:" + ip);
  }
  if (!names.empty()) add_extension(cert.get(), keys_->cert.get(), NID_subject_alt_name, names);
  check(X509_sign(cert.get(), keys_->key.get(), EVP_sha256()) > 0, "X509_sign");
  return issued{pem_of(cert.get()), pem_of(key.get())};
}

issued certificate_authority::issue_server(const std::string& common_name) const {
  certificate_spec spec;
  spec.common_name = common_name;
  spec.dns_names = {"localhost"};
  spec.ip_addresses = {"127.0.0.1", "::1"};
  return issue(spec);
}

issued certificate_authority::issue_client(const std::string& common_name) const {
  certificate_spec spec;
  spec.common_name = common_name;
  spec.client = true;
  return issue(spec);
}

std::filesystem::path issued::write(const std::filesystem::path& dir,
                                    const std::string& name) const {
  const std::filesystem::path cert = dir / (name + ".pem");
  const std::filesystem::path key = dir / (name + ".key");
  std::ofstream(cert, std::ios::binary | std::ios::trunc) << certificate_pem;
  std::ofstream(key, std::ios::binary | std::ios::trunc) << key_pem;
  std::filesystem::permissions(key, std::filesystem::perms::owner_read |
                                        std::filesystem::perms::owner_write);
  return cert;
}

}  // namespace berth::test
