use std::future::Future;

use futures::Stream;

use crate::Error;
use crate::models::{
    CredentialList, HistoryItem, HistoryQuery, ListWalletsQuery, Page, Signature, SignatureList,
    Transfer, TransferList, Wallet, WalletAssets, WalletHistory,
};
use crate::transport::Transport;

/// The reads both clients share. Every list has a page method and, where pages chain, a
/// stream that follows `nextPageToken` to the end.
#[derive(Debug, Clone)]
pub struct Reads {
    pub(crate) transport: Transport,
}

impl Reads {
    /// `GET /auth/credentials`.
    pub async fn list_credentials(&self) -> Result<CredentialList, Error> {
        self.transport.get("/auth/credentials").await
    }

    /// `GET /wallets`: one page.
    pub async fn list_wallets(&self, query: &ListWalletsQuery) -> Result<Page<Wallet>, Error> {
        self.transport.get(&with_query("/wallets", query)).await
    }

    /// Every wallet, page after page.
    pub fn wallets(&self, owner: Option<String>) -> impl Stream<Item = Result<Wallet, Error>> + '_ {
        paginate(move |token| {
            let query =
                ListWalletsQuery { limit: None, pagination_token: token, owner: owner.clone() };
            async move { self.list_wallets(&query).await }
        })
    }

    /// `GET /wallets/{id}`.
    pub async fn get_wallet(&self, wallet_id: &str) -> Result<Wallet, Error> {
        self.transport.get(&format!("/wallets/{}", segment(wallet_id))).await
    }

    /// `GET /wallets/{id}/assets?netWorth=true`.
    pub async fn get_wallet_assets(&self, wallet_id: &str) -> Result<WalletAssets, Error> {
        self.transport.get(&format!("/wallets/{}/assets?netWorth=true", segment(wallet_id))).await
    }

    /// `GET /wallets/{id}/history`: one page, newest first.
    pub async fn get_wallet_history(
        &self,
        wallet_id: &str,
        query: &HistoryQuery,
    ) -> Result<WalletHistory, Error> {
        let path = format!("/wallets/{}/history", segment(wallet_id));
        self.transport.get(&with_query(&path, query)).await
    }

    /// A wallet's whole history matching `filter`, newest first, page after page.
    pub fn history<'a>(
        &'a self,
        wallet_id: &'a str,
        filter: HistoryQuery,
    ) -> impl Stream<Item = Result<HistoryItem, Error>> + 'a {
        paginate(move |token| {
            let query = HistoryQuery { pagination_token: token, ..filter.clone() };
            async move {
                let page = self.get_wallet_history(wallet_id, &query).await?;
                Ok(Page { items: page.items, next_page_token: page.next_page_token })
            }
        })
    }

    /// Every transfer of a wallet, newest first, page after page.
    pub fn transfers<'a>(
        &'a self,
        wallet_id: &'a str,
    ) -> impl Stream<Item = Result<Transfer, Error>> + 'a {
        paginate(move |token| async move {
            let page = self.list_transfers(wallet_id, token.as_deref()).await?;
            Ok(Page { items: page.items, next_page_token: page.next_page_token })
        })
    }

    /// `GET /wallets/{id}/transfers`: one page, newest first.
    pub async fn list_transfers(
        &self,
        wallet_id: &str,
        pagination_token: Option<&str>,
    ) -> Result<TransferList, Error> {
        let path = format!("/wallets/{}/transfers", segment(wallet_id));
        let query = crate::models::PageQuery {
            limit: None,
            pagination_token: pagination_token.map(str::to_owned),
        };
        self.transport.get(&with_query(&path, &query)).await
    }

    /// `GET /wallets/{id}/transfers/{transferId}`.
    pub async fn get_transfer(
        &self,
        wallet_id: &str,
        transfer_id: &str,
    ) -> Result<Transfer, Error> {
        let path = format!("/wallets/{}/transfers/{}", segment(wallet_id), segment(transfer_id));
        self.transport.get(&path).await
    }

    /// `GET /wallets/{id}/signatures`: one page.
    pub async fn list_signatures(
        &self,
        wallet_id: &str,
        pagination_token: Option<&str>,
    ) -> Result<SignatureList, Error> {
        let path = format!("/wallets/{}/signatures", segment(wallet_id));
        let query = crate::models::PageQuery {
            limit: None,
            pagination_token: pagination_token.map(str::to_owned),
        };
        self.transport.get(&with_query(&path, &query)).await
    }

    /// `GET /wallets/{id}/signatures/{signatureId}`.
    pub async fn get_signature(
        &self,
        wallet_id: &str,
        signature_id: &str,
    ) -> Result<Signature, Error> {
        let path = format!("/wallets/{}/signatures/{}", segment(wallet_id), segment(signature_id));
        self.transport.get(&path).await
    }

    /// `GET /networks/fees?network=`: the network's fee estimates, as Dfns shapes them per family.
    pub async fn get_fees(&self, network: &str) -> Result<serde_json::Value, Error> {
        let query = serde_json::json!({ "network": network });
        self.transport.get(&with_query("/networks/fees", &query)).await
    }
}

/// Follows `nextPageToken` from the first page to the last, yielding items.
pub fn paginate<'a, T, F, Fut>(mut fetch: F) -> impl Stream<Item = Result<T, Error>> + 'a
where
    T: 'a,
    F: FnMut(Option<String>) -> Fut + 'a,
    Fut: Future<Output = Result<Page<T>, Error>> + 'a,
{
    use futures::TryStreamExt as _;
    // State: Some(token of the next page), or None once the last page was read.
    futures::stream::try_unfold(Some(None), move |state: Option<Option<String>>| {
        let next = state.map(&mut fetch);
        async move {
            let Some(page) = next else { return Ok::<_, Error>(None) };
            let page = page.await?;
            let items = futures::stream::iter(page.items.into_iter().map(Ok));
            Ok(Some((items, page.next_page_token.map(Some))))
        }
    })
    .try_flatten()
}

/// `path?query` from a query struct; absent fields are left out.
fn with_query<Q: serde::Serialize + ?Sized>(path: &str, query: &Q) -> String {
    let mut serializer = url::form_urlencoded::Serializer::new(String::new());
    if let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(query) {
        for (name, value) in fields {
            match value {
                serde_json::Value::String(text) => serializer.append_pair(&name, &text),
                serde_json::Value::Null => &mut serializer,
                other => serializer.append_pair(&name, &other.to_string()),
            };
        }
    }
    let query = serializer.finish();
    if query.is_empty() { path.to_owned() } else { format!("{path}?{query}") }
}

/// A path segment with anything that could change the path escaped.
pub(crate) fn segment(id: &str) -> String {
    url::form_urlencoded::byte_serialize(id.as_bytes()).collect()
}
