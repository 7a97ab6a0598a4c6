use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::TcpListener;

use super::*;

/// A mail server on loopback that accepts one mail and returns every line the client sent.
async fn one_mail_server() -> (url::Url, tokio::task::JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let url = url::Url::parse(&format!("smtp://{}", listener.local_addr().expect("address")))
        .expect("a URL");
    let server = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.expect("a client");
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        let mut seen = Vec::new();
        write.write_all(b"220 test ESMTP\r\n").await.expect("greet");
        let mut in_data = false;
        while let Some(line) = lines.next_line().await.expect("read") {
            seen.push(line.clone());
            let answer: &[u8] = if in_data {
                if line != "." {
                    continue;
                }
                in_data = false;
                b"250 queued\r\n"
            } else if line.starts_with("EHLO") {
                b"250 test\r\n"
            } else if line == "DATA" {
                in_data = true;
                b"354 go on\r\n"
            } else if line == "QUIT" {
                write.write_all(b"221 bye\r\n").await.expect("bye");
                break;
            } else {
                b"250 ok\r\n"
            };
            write.write_all(answer).await.expect("answer");
        }
        seen
    });
    (url, server)
}

fn mailer(url: &str) -> SmtpMailer {
    let url = url::Url::parse(url).expect("a URL");
    SmtpMailer::new(&url, "Sigil <wallet@example.com>".parse().expect("a mailbox")).expect("mailer")
}

#[tokio::test]
async fn the_smtp_mailer_delivers_a_plain_text_mail_from_the_configured_sender() {
    let (url, server) = one_mail_server().await;
    let mail = Mail {
        to: "ann@example.org".into(),
        subject: "Your Sigil recovery code".into(),
        body: "Your code: 123456".into(),
    };
    mailer(url.as_str()).send(&mail, 0).await.expect("delivered");
    let seen = server.await.expect("the server saw the whole conversation");
    assert!(seen.contains(&"MAIL FROM:<wallet@example.com>".to_owned()), "{seen:?}");
    assert!(seen.contains(&"RCPT TO:<ann@example.org>".to_owned()), "{seen:?}");
    assert!(seen.iter().any(|line| line == "Subject: Your Sigil recovery code"), "{seen:?}");
    assert!(seen.iter().any(|line| line.contains("Your code: 123456")), "{seen:?}");
}

#[tokio::test]
async fn a_mail_server_that_is_not_there_is_an_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let address = listener.local_addr().expect("address");
    drop(listener);
    let mail = Mail { to: "b@example.org".into(), subject: "s".into(), body: "b".into() };
    let error = mailer(&format!("smtp://{address}")).send(&mail, 0).await.expect_err("nobody");
    assert!(matches!(error, MailError::Smtp(_)), "{error:?}");
}

#[test]
fn the_smtp_mailer_never_shows_the_servers_password() {
    let shown = format!("{:?}", mailer("smtps://user:hunter2-secret@smtp.example.com:465"));
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("smtps://smtp.example.com:465"), "{shown}");
}

#[tokio::test]
async fn an_address_mail_cannot_go_to_is_refused_before_anything_is_sent() {
    let mail = Mail { to: "not an address".into(), subject: "s".into(), body: "b".into() };
    let refused = mailer("smtp://127.0.0.1:9").send(&mail, 0).await;
    assert!(matches!(refused, Err(MailError::Address(_))), "{refused:?}");
}
