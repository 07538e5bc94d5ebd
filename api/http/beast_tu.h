// What the two Beast translation units (http_client.cpp, http_server.cpp) share: the Asio and
// Beast headers both use and the short names of their namespaces. Include it only from those two
// files, first (Beast stays out of every other translation unit).
#pragma once

// Boost 1.74 Asio with g++ 12 in C++20 needs <utility> before any of its headers
// (notes/toolchain.md pitfall 3; awaitable.hpp uses std::exchange).
#include <utility>  // first: see above

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace agritrace::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

}  // namespace agritrace::api
